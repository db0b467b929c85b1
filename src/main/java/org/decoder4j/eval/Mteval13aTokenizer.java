package org.decoder4j.eval;

import java.util.regex.Pattern;

/**
 * The tokenisation of mteval-v13a.pl, the script of the WMT evaluations, in the form sacreBLEU
 * gives it (its {@code 13a} tokenizer): drop {@code <skipped>}, join words split by a hyphen at a
 * line end, unescape four HTML entities, then put spaces around punctuation and symbols, around
 * a period or comma unless it sits between digits, and after a hyphen that follows a digit.
 */
final class Mteval13aTokenizer {

    /** ASCII punctuation and symbols except the apostrophe, the hyphen, the period and the comma. */
    private static final Pattern SYMBOL = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
    /** A period or comma after anything but a digit. */
    private static final Pattern AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    /** A period or comma before anything but a digit. */
    private static final Pattern BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    /** A hyphen after a digit. */
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private Mteval13aTokenizer() {
    }

    static String tokenize(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.indexOf('&') >= 0) {
            s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        s = " " + s + " ";
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        s = AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", PythonWhitespace.split(s));
    }
}
