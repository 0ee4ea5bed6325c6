package io.visage.nn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The per-tensor tolerances of a fixture set, read from the tensor table of its README
 * ({@code | `name` | dtype | shape | meaning | rtol R, atol A |}); a missing atol/rtol counts as 0
 * and {@code exact} reads as rtol 0, atol 0. Tests take their tolerances from here, never from
 * numbers copied into the test.
 */
public record FixtureTolerances(Map<String, double[]> byName) {
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|.*\\|\\s*([^|]*)\\|\\s*$");
    private static final Pattern RTOL = Pattern.compile("rtol\\s*([0-9.eE+-]+)");
    private static final Pattern ATOL = Pattern.compile("atol\\s*([0-9.eE+-]+)");

    /** The tolerances of fixture set {@code set} (its {@code README.md}). */
    public static FixtureTolerances forSet(String set) {
        return read(Fixtures.file(set, "README.md"));
    }

    public static FixtureTolerances read(Path readme) {
        Map<String, double[]> m = new HashMap<>();
        try {
            for (String line : Files.readAllLines(readme)) {
                Matcher row = ROW.matcher(line);
                if (!row.matches()) {
                    continue;
                }
                String tol = row.group(2);
                if (tol.trim().equals("exact")) {
                    m.put(row.group(1), new double[] {0, 0});
                    continue;
                }
                Matcher r = RTOL.matcher(tol);
                Matcher a = ATOL.matcher(tol);
                boolean hasR = r.find();
                boolean hasA = a.find();
                if (hasR || hasA) {
                    m.put(row.group(1), new double[] {
                        hasR ? Double.parseDouble(r.group(1)) : 0, hasA ? Double.parseDouble(a.group(1)) : 0
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FixtureTolerances(m);
    }

    /** {rtol, atol} of a tensor; fails the test when the README lists none. */
    public double[] of(String tensor) {
        double[] t = byName.get(tensor);
        if (t == null) {
            fail("no tolerance for " + tensor + " in the fixture README");
        }
        return t;
    }

    /** rtol of a tensor. */
    public double rtol(String tensor) {
        return of(tensor)[0];
    }

    /** atol of a tensor. */
    public double atol(String tensor) {
        return of(tensor)[1];
    }
}
