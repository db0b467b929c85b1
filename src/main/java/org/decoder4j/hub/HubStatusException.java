package org.decoder4j.hub;

import java.io.IOException;

/** The Hub answered with an error status (401, 404, 500, ...); the message says what it means. */
public final class HubStatusException extends IOException {

    private final int status;

    public HubStatusException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
