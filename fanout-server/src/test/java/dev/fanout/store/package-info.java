/** Tests of the history stores. */
package dev.fanout.store;
