/** The example of docs/client.md, compiled and run by the tests so that it keeps working. */
package dev.fanout.client.example;
