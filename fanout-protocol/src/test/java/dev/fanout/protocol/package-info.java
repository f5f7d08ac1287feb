/** Tests of the protocol module's shared helpers. */
package dev.fanout.protocol;
