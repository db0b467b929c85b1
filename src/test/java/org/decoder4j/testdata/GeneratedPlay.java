package org.decoder4j.testdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Text shaped like Tiny Shakespeare (speakers in capitals followed by a colon, lines of words,
 * blank lines between speeches), made from a seed, for tests that need some text to train on but
 * not the real corpus. Every speaker the examples prompt with appears in it. The same seed and length give the same text on every machine, so these
 * tests always run.
 *
 * <pre>{@code
 * Path corpus = GeneratedPlay.write(dir.resolve("play.txt"), 100_000, 1);
 * }</pre>
 */
public final class GeneratedPlay {

    private static final String[] SPEAKERS = {"ROMEO", "JULIET", "MERCUTIO", "NURSE", "FRIAR LAURENCE",
        "First Citizen", "MENENIUS", "KING RICHARD III", "QUEEN ELIZABETH", "GLOUCESTER",
        "ESCALUS", "CAMILLO", "LEONTES", "PAULINA", "CAPULET", "NORFOLK", "CATESBY", "PERDITA"};
    private static final String[] WORDS = {"the", "and", "I", "to", "of", "a", "my", "you", "that", "in", "is",
        "not", "with", "me", "it", "for", "be", "his", "your", "this", "but", "he", "have", "as", "thou", "so",
        "will", "what", "thy", "her", "no", "by", "all", "we", "shall", "do", "are", "if", "our", "lord", "good",
        "now", "love", "sir", "king", "come", "more", "how", "night", "death", "heaven", "blood", "sweet",
        "fair", "speak", "well", "hath", "thee", "upon", "here", "noble", "grace", "crown", "honour", "gentle"};
    private static final String[] ENDINGS = {".", ",", ";", "!", "?", ":"};

    private GeneratedPlay() {
    }

    /** About {@code chars} characters (exactly that many) of play text drawn with {@code seed}. */
    public static String text(int chars, long seed) {
        if (chars < 1) {
            throw new IllegalArgumentException("chars must be >= 1, got " + chars);
        }
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder out = new StringBuilder(chars + 200);
        while (out.length() < chars) {
            out.append(SPEAKERS[random.nextInt(SPEAKERS.length)]).append(":\n");
            int lines = 1 + random.nextInt(4);
            for (int l = 0; l < lines; l++) {
                int words = 4 + random.nextInt(6);
                for (int w = 0; w < words; w++) {
                    String word = WORDS[random.nextInt(WORDS.length)];
                    if (w == 0) {
                        word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                    }
                    out.append(word).append(w + 1 < words ? " " : ENDINGS[random.nextInt(ENDINGS.length)]);
                }
                out.append('\n');
            }
            out.append('\n');
        }
        out.setLength(chars);
        return out.toString();
    }

    /** Writes {@link #text(int, long)} to {@code file} as UTF-8 and returns the file. */
    public static Path write(Path file, int chars, long seed) throws IOException {
        return Files.writeString(file, text(chars, seed), StandardCharsets.UTF_8);
    }
}
