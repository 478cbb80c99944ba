package io.quiver.flight.sql;

import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Checks every call against one configured token ({@code auth.token}). Clients send it as
 * {@code Authorization: Bearer <token>} (the JDBC driver's {@code token=} property, ADBC, Grafana),
 * or as the password of HTTP Basic credentials in the Flight handshake (the JDBC driver's
 * {@code user=}/{@code password=}, which DBeaver and Tableau ask for); the handshake answers with
 * the bearer token, which the client then sends on every call. Comparison is constant-time.
 * With an empty token every call is accepted ({@link #NONE}). Roles build on the peer identity.
 */
public final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
    /** The peer identity of token holders (one token, one identity, until roles exist). */
    public static final String TOKEN_IDENTITY = "token";
    public static final CallHeaderAuthenticator NONE = headers -> () -> "";

    private final byte[] token;
    private final String tokenText;

    public BearerTokenAuthenticator(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("empty token: use BearerTokenAuthenticator.NONE");
        }
        this.tokenText = token;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public static CallHeaderAuthenticator forToken(String token) {
        return token == null || token.isEmpty() ? NONE : new BearerTokenAuthenticator(token);
    }

    @Override
    public AuthResult authenticate(CallHeaders headers) {
        String auth = headers.get(Auth2Constants.AUTHORIZATION_HEADER);
        if (auth != null && auth.startsWith(Auth2Constants.BEARER_PREFIX)) {
            check(auth.substring(Auth2Constants.BEARER_PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8));
            return () -> TOKEN_IDENTITY;
        }
        if (auth != null && auth.startsWith(Auth2Constants.BASIC_PREFIX)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(Auth2Constants.BASIC_PREFIX.length()).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw unauthenticated("malformed basic credentials");
            }
            int colon = decoded.indexOf(':');
            check((colon < 0 ? "" : decoded.substring(colon + 1)).getBytes(StandardCharsets.UTF_8));
            return new AuthResult() {
                @Override
                public String getPeerIdentity() {
                    return TOKEN_IDENTITY;
                }

                @Override
                public void appendToOutgoingHeaders(CallHeaders outgoing) {
                    if (!outgoing.containsKey(Auth2Constants.AUTHORIZATION_HEADER)) {
                        outgoing.insert(Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BEARER_PREFIX + tokenText);
                    }
                }
            };
        }
        throw unauthenticated("missing credentials: send 'Authorization: Bearer <auth.token>'");
    }

    private void check(byte[] presented) {
        if (!MessageDigest.isEqual(presented, token)) {
            throw unauthenticated("bad credentials");
        }
    }

    private static RuntimeException unauthenticated(String message) {
        return FlightErrors.status(CallStatus.UNAUTHENTICATED, message, FlightErrors.BAD_CREDENTIALS);
    }
}
