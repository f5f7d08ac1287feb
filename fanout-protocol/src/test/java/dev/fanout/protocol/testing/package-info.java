/** Test support shared by every module's tests: the buffer-leak check. */
package dev.fanout.protocol.testing;
