package org.decoder4j.hub;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model repository on the Hugging Face Hub and a revision of it: a branch, a tag or a commit
 * hash. Written {@code ORG/NAME} or {@code ORG/NAME@REVISION}; the revision defaults to
 * {@code main}. Names without an organisation ({@code gpt2}) are the Hub's older canonical models.
 *
 * <pre>{@code
 * RepoRef gpt2 = RepoRef.parse("openai-community/gpt2");          // revision "main"
 * RepoRef pinned = RepoRef.parse("openai-community/gpt2@607a30d783dfa663caf39e06633721c8d4cfcd7e");
 * gpt2.cacheFolderName();                                         // "models--openai-community--gpt2"
 * }</pre>
 *
 * @param repoId {@code ORG/NAME} or {@code NAME}
 * @param revision a branch, tag or commit hash
 */
public record RepoRef(String repoId, String revision) {

    /** The revision of a reference that names none. */
    public static final String DEFAULT_REVISION = "main";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /**
     * Checks both parts.
     *
     * @param repoId {@code ORG/NAME} or {@code NAME}
     * @param revision a branch, tag or commit hash
     * @throws IllegalArgumentException if the id is not a Hugging Face repository id or the
     *                                  revision is empty or holds characters a revision cannot hold
     * @throws NullPointerException if either is null
     */
    public RepoRef {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(revision, "revision");
        String[] parts = repoId.split("/", -1);
        if (parts.length > 2 || !java.util.Arrays.stream(parts).allMatch(p -> NAME.matcher(p).matches()
                && !p.contains("--") && !p.contains("..") && !p.endsWith(".") && p.length() <= 96)) {
            throw new IllegalArgumentException("'" + repoId + "' is not a Hugging Face repository id; expected "
                    + "ORG/NAME (letters, digits, '-', '_', '.'), e.g. openai-community/gpt2");
        }
        if (revision.isEmpty() || revision.contains("..") || revision.startsWith("/") || revision.endsWith("/")
                || revision.chars().anyMatch(c -> c <= ' ' || c == '\\' || c == 0x7f)) {
            throw new IllegalArgumentException("'" + revision + "' is not a revision of " + repoId
                    + "; expected a branch, a tag or a commit hash");
        }
    }

    /**
     * Parses {@code ORG/NAME} or {@code ORG/NAME@REVISION}.
     *
     * @param text the reference, such as {@code openai-community/gpt2@main}
     * @return the reference, at revision {@code main} if the text names none
     * @throws IllegalArgumentException naming the text if it is not a repository id
     */
    public static RepoRef parse(String text) {
        Objects.requireNonNull(text, "text");
        int at = text.indexOf('@');
        if (at < 0) {
            return new RepoRef(text, DEFAULT_REVISION);
        }
        if (at == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' has an empty revision after '@'");
        }
        return new RepoRef(text.substring(0, at), text.substring(at + 1));
    }

    /**
     * Whether the revision is a full commit hash (40 lower-case hex digits), which never moves.
     *
     * @return true if the revision is a commit hash rather than a branch or tag
     */
    public boolean isCommit() {
        return isCommitHash(revision);
    }

    /**
     * Whether {@code text} is a full commit hash.
     *
     * @param text the text to check; may be null
     * @return true if it is 40 lower-case hex digits
     */
    public static boolean isCommitHash(String text) {
        return text != null && COMMIT.matcher(text).matches();
    }

    /**
     * The same repository at another revision.
     *
     * @param otherRevision a branch, tag or commit hash
     * @return a reference to this repository at {@code otherRevision}
     */
    public RepoRef at(String otherRevision) {
        return new RepoRef(repoId, otherRevision);
    }

    /**
     * The repository's folder in the shared cache: {@code models--ORG--NAME}.
     *
     * @return the folder's name, {@code /} replaced by {@code --}
     */
    public String cacheFolderName() {
        return "models--" + repoId.replace("/", "--");
    }

    @Override
    public String toString() {
        return repoId + "@" + revision;
    }
}
