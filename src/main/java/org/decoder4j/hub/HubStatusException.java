package org.decoder4j.hub;

import java.io.IOException;

/** The Hub answered with an error status (401, 404, 500, ...); the message says what it means. */
public final class HubStatusException extends IOException {

    /** The HTTP status code of the Hub's answer. */
    private final int status;

    /**
     * An error answer of the Hub.
     *
     * @param status the HTTP status code, such as 404
     * @param message what the status means for the request, naming the file
     */
    public HubStatusException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * The HTTP status.
     *
     * @return the status code the Hub answered with
     */
    public int status() {
        return status;
    }
}
