/**
 * Who may connect and what each may do: the auth file (users, their hashed secrets, the topics each may publish to
 * and subscribe to, and what anonymous may), logins checked off the event loops, and failed logins limited.
 */
package dev.fanout.server.auth;
