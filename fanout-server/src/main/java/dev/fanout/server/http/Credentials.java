package dev.fanout.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * What an {@code Authorization} header holds: a bearer token ({@code Bearer TOKEN}), or a user and password (basic
 * auth, {@code Basic base64(user:password)}, UTF-8), checked as a login in control mode is. A WebSocket client's
 * (sent with its upgrade) stand in for credentials its hello leaves out.
 *
 * @param user     the user for basic auth, else null
 * @param password the password for basic auth, else null
 * @param token    the bearer token, else null
 */
public record Credentials(String user, char[] password, String token) {

    /**
     * Reads the header.
     *
     * @throws IllegalArgumentException (an {@code HttpRouter.UnauthorizedException}) if it is neither form, or not
     *                                  readable
     */
    public static Credentials parse(String header) {
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String value = space < 0 ? "" : header.substring(space + 1).trim();
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "bearer" -> {
                if (value.isEmpty()) {
                    throw unreadable("Bearer with no token");
                }
                return new Credentials(null, null, value);
            }
            case "basic" -> {
                String pair = decode(value);
                int colon = pair.indexOf(':');
                if (colon <= 0) {
                    throw unreadable("basic credentials are USER:PASSWORD in base64");
                }
                return new Credentials(pair.substring(0, colon), pair.substring(colon + 1).toCharArray(), null);
            }
            default -> throw unreadable("the scheme " + scheme + " is not taken; use Bearer or Basic");
        }
    }

    private static String decode(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw unreadable("basic credentials must be base64 of UTF-8 USER:PASSWORD");
        }
    }

    private static HttpRouter.UnauthorizedException unreadable(String why) {
        return new HttpRouter.UnauthorizedException("the Authorization header cannot be read: " + why);
    }

    @Override
    public String toString() {
        // Never the secret, wherever a record is printed.
        return "Credentials[user=" + user + "]";
    }
}
