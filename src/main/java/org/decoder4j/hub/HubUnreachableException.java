package org.decoder4j.hub;

import java.io.IOException;

/** The Hub could not be reached (no connection, a time-out): a cached copy may still serve. */
public final class HubUnreachableException extends IOException {

    /**
     * A failed attempt to reach the Hub.
     *
     * @param message what was asked and why it failed
     * @param cause the connection's exception
     */
    public HubUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
