/** Tests of authentication and permissions: the auth file, logins in each protocol, refusals and limits. */
package dev.fanout.server.auth;
