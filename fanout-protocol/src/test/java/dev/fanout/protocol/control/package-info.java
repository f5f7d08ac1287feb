/** Tests of the control-mode codec, its records, topic rules and pipeline handlers. */
package dev.fanout.protocol.control;
