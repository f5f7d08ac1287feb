/** Tests of history on disk, on real files in temporary directories. */
package dev.fanout.store.disk;
