package dev.fanout.server.lines;

import dev.fanout.hub.Hub;
import dev.fanout.hub.TooManyTopicsException;
import dev.fanout.protocol.control.TopicNames;
import dev.fanout.server.auth.Authenticator;
import dev.fanout.server.auth.LoginRefusedException;
import dev.fanout.server.auth.Principal;
import dev.fanout.server.auth.UserLimits;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionRegistry;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code /}-commands of the lines protocol. Each answers with notice lines; a bad command or argument
 * gets one error line and changes nothing. Stateless: one instance serves every session, on its loop.
 */
final class ChatCommands {

    /** Letters, digits, {@code _ - .}; up to 32: short enough to read, safe to show. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    /** Most messages /history shows at once. */
    static final int HISTORY_LIMIT = 100;
    /** The default names new clients get: reserved, so no one can take a future client's name. */
    static final Pattern DEFAULT_NAME = Pattern.compile("(?i)client-\\d+");

    private static final String HELP = String.join("\n",
            "commands:",
            "  /nick NAME       change your name (letters, digits, _ - . ; up to 32)",
            "  /join ROOM       leave this room and join ROOM (made if new)",
            "  /who             list the people in this room, and count the programs reading it",
            "  /rooms           list the rooms, the largest first, with how many are in each",
            "  /history [N]     show the last N messages of this room (default 10, at most " + HISTORY_LIMIT + ")",
            "  /sub TOPIC       also show what is published to TOPIC, each line marked [TOPIC]",
            "  /unsub TOPIC     stop showing TOPIC",
            "  /msg NAME TEXT   send TEXT to NAME only",
            "  /login NAME SECRET  log in, on a server that asks who you are (over TLS or from this machine)",
            "  /quit            leave (Ctrl-C in telnet leaves too)",
            "  /help            this list",
            "anything else you type goes to everyone in your room; start a line with // to send one that begins"
                    + " with /");

    private final SessionRegistry registry;
    private final Hub hub;
    /** Topics one chat client may follow with /sub besides its room: --max-subscriptions. */
    private final int maxFollowed;

    ChatCommands(SessionRegistry registry, Hub hub, int maxFollowed) {
        this.registry = registry;
        this.hub = hub;
        this.maxFollowed = maxFollowed;
    }

    /** Runs {@code line}, which starts with '/'. */
    void execute(ChatMember member, String line) {
        String[] parts = line.trim().split("\\s+", 2);
        String command = parts[0].toLowerCase(Locale.ROOT);
        String argument = parts.length > 1 ? parts[1].trim() : "";
        switch (command) {
            case "/help" -> help(member);
            case "/nick" -> nick(member, argument);
            case "/join" -> join(member, argument);
            case "/who" -> {
                if (inARoom(member)) {
                    member.notice(RoomListing.who(member.room(), member.session()));
                }
            }
            case "/rooms" -> RoomListing.rooms(member.room(), hub.topics().stream()
                    .filter(topic -> member.session().principal().maySubscribe(topic.name())).toList())
                    .forEach(member::notice);
            case "/msg" -> msg(member, argument);
            case "/history" -> {
                if (inARoom(member)) {
                    history(member, argument);
                }
            }
            case "/sub" -> follow(member, argument, maxFollowed);
            case "/unsub" -> unfollow(member, argument);
            case "/quit" -> member.session().close(CloseReason.CLIENT_QUIT, null);
            case "/login" -> login(member, argument);
            default -> member.notice("error: unknown command " + parts[0] + "; type /help for the list");
        }
    }

    private static void help(ChatMember member) {
        for (String text : HELP.split("\n")) {
            member.notice(text);
        }
    }

    private void nick(ChatMember member, String name) {
        if (!NAME.matcher(name).matches()) {
            member.notice("error: usage: /nick NAME, where NAME is 1 to 32 letters, digits, _ - or .");
            return;
        }
        if (name.equalsIgnoreCase("operator")) {
            member.notice("error: the name 'operator' is reserved; choose another");
            return;
        }
        if (DEFAULT_NAME.matcher(name).matches() && !name.equalsIgnoreCase("client-" + member.session().id())) {
            member.notice("error: names like client-N are kept for new clients; choose another");
            return;
        }
        String old = member.name();
        if (!member.session().mayTakeName(name)) {
            member.notice("error: the name '" + name + "' belongs to a user of this server; /login to go by it");
            return;
        }
        if (!member.session().rename(name)) {
            member.notice("error: the name '" + name + "' is taken; choose another");
            return;
        }
        member.notice("you are now known as " + name);
        if (member.room() != null && !old.equals(name)) {
            member.tellRoom(member.room(), old + " is now known as " + name);
        }
    }

    private static void join(ChatMember member, String room) {
        if (!TopicNames.isValidTopic(room)) {
            member.notice("error: usage: /join ROOM, where ROOM is " + TOPIC_RULE);
            return;
        }
        if (member.room() != null && member.room().name().equals(room)) {
            member.notice("you are already in " + room);
            return;
        }
        if (!member.session().principal().maySubscribe(room)) {
            member.notice("error: " + member.session().forbidden("join '" + room + "'"));
            return;
        }
        try {
            member.join(room);
        } catch (TooManyTopicsException e) {
            member.notice("error: " + e.getMessage() + "; join an existing room instead");
            return;
        }
        member.notice("you are now in " + room + " (" + RoomListing.Count.of(member.room()).here() + ")");
    }

    /** How topic names are made, as usage errors say it. */
    static final String TOPIC_RULE = "up to 255 letters, digits, _ - : @ or ~, in parts joined by dots (news.eu)";

    private static void history(ChatMember member, String argument) {
        int count = 10;
        if (!argument.isEmpty()) {
            try {
                count = Integer.parseInt(argument);
            } catch (NumberFormatException e) {
                count = -1;
            }
        }
        if (count < 1 || count > HISTORY_LIMIT) {
            member.notice("error: usage: /history [N], where N is 1 to " + HISTORY_LIMIT);
            return;
        }
        member.showHistory(count);
    }

    private static void follow(ChatMember member, String topic, int maxFollowed) {
        if (!TopicNames.isValidTopic(topic)) {
            member.notice("error: usage: /sub TOPIC, where TOPIC is " + TOPIC_RULE);
            return;
        }
        if (member.room() != null && member.room().name().equals(topic)) {
            member.notice("you are in " + topic + ": its messages already reach you");
            return;
        }
        if (!member.session().principal().maySubscribe(topic)) {
            member.notice("error: " + member.session().forbidden("subscribe to '" + topic + "'"));
            return;
        }
        long limit = UserLimits.or(member.session().principal().limits().maxSubscriptions(), maxFollowed);
        if (member.followed() >= limit && !member.follows(topic)) {
            member.notice("error: you follow " + member.followed() + " topics already, your limit "
                    + "(--max-subscriptions, or your user's max_subscriptions); /unsub one first");
            return;
        }
        try {
            if (member.follow(topic)) {
                member.notice("you now also see " + topic + ", marked [" + topic + "]; /unsub " + topic + " stops it");
            } else {
                member.notice("you already see " + topic);
            }
        } catch (TooManyTopicsException e) {
            member.notice("error: " + e.getMessage());
        }
    }

    private static void unfollow(ChatMember member, String topic) {
        if (member.unfollow(topic)) {
            member.notice("you no longer see " + topic);
        } else {
            member.notice("error: you do not follow '" + topic + "'; /sub TOPIC follows one");
        }
    }

    private void msg(ChatMember member, String argument) {
        Session session = member.session();
        if (session.context().auth() != null && session.principal().anonymous()) {
            member.notice("error: log in first to send private messages: /login NAME SECRET");
            return;
        }
        String[] parts = argument.split("\\s+", 2);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isBlank()) {
            member.notice("error: usage: /msg NAME TEXT");
            return;
        }
        Session target = registry.findByName(parts[0]);
        if (target == null || target.isClosed()) {
            member.notice("error: nobody is named '" + parts[0] + "'; /who lists your room");
            return;
        }
        if (target.protocol() != Protocol.LINES) {
            // A frames client is a program reading a stream: a chat line in it would be corrupt data.
            member.notice("error: " + target.name() + " is a program on the frames port, not a chat client");
            return;
        }
        target.sendText(member.session().origin(), parts[1]);
    }

    /** True if the member is in a room; else tells it how to get into one. */
    private static boolean inARoom(ChatMember member) {
        if (member.room() == null) {
            member.notice("error: you are in no room: " + (member.session().principal().anonymous()
                    && member.session().context().auth() != null ? "/login NAME SECRET, then " : "") + "/join ROOM");
            return false;
        }
        return true;
    }

    /**
     * {@code /login NAME SECRET}: only over TLS or from this machine, where the secret does not cross a network in
     * clear. The secret is checked off the loop; the answer comes when it is. A refusal never says whether the user
     * exists, and failures are limited per address.
     */
    private static void login(ChatMember member, String argument) {
        Session session = member.session();
        Authenticator auth = session.context().auth();
        if (auth == null) {
            member.notice("error: this server does not ask who you are: there is nothing to log in to");
            return;
        }
        String[] parts = argument.split("\\s+", 2);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            member.notice("error: usage: /login NAME SECRET");
            return;
        }
        if (member.loginPending()) {
            member.notice("error: a login is being checked already; wait for its answer");
            return;
        }
        InetSocketAddress from = (InetSocketAddress) session.remoteAddress();
        if (session.channel().pipeline().get(SslHandler.class) == null && !from.getAddress().isLoopbackAddress()) {
            member.notice("error: /login is refused over a plaintext connection from another machine: the secret "
                    + "would cross the network in clear; connect with TLS (fanout chat --tls)");
            return;
        }
        member.loginPending(true);
        auth.login(from.getAddress(), parts[0], parts[1].toCharArray(), null).whenComplete((principal, failure) ->
                session.onLoop(() -> loggedIn(member, parts[0], principal, failure)));
    }

    private static void loggedIn(ChatMember member, String name, Principal principal, Throwable failure) {
        member.loginPending(false);
        Session session = member.session();
        if (session.isClosed()) {
            return;
        }
        if (failure != null) {
            session.context().stats().countRefusedLogin();
            String why = LoginRefusedException.why(failure);
            session.context().auth().logRefusal(session.remoteAddress(), name, why, session);
            member.notice("error: not logged in: " + why);
            return;
        }
        if (!session.loggedIn(principal)) {
            session.context().stats().countRefusedLogin();
            member.notice("error: not logged in: user " + principal.name() + " holds "
                    + principal.limits().maxConnections() + " connections already, its most (max_connections in the "
                    + "auth file); close one");
            return;
        }
        member.notice("logged in as " + principal.name());
        String lobby = session.context().hub().defaultTopic();
        if (member.room() == null && principal.maySubscribe(lobby)) {
            member.join(lobby);
            member.notice("you are now in " + lobby + " (" + RoomListing.Count.of(member.room()).here() + ")");
        }
    }
}
