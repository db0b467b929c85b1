package org.decoder4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fluent settings of {@link Sampling}: every link of a chain counts, in any order. */
class SamplingTest {

    @Test
    void everySettingOfAChainIsKeptWhateverTheOrder() {
        Sampling a = Sampling.random().temperature(0.8).topK(40);
        assertEquals(0.8, a.temperature());
        assertEquals(40, a.topK());
        Sampling b = Sampling.random().topK(40).temperature(0.8);
        assertEquals(a, b);
        Sampling all = Sampling.greedy().temperature(0.7).topP(0.9).repetitionPenalty(1.2).topK(5).seed(3);
        assertEquals(new Sampling(0.7, 5, 0.9, 1.2, 3), all);
        assertEquals(0, all.withoutTopK().topK());
    }

    @Test
    void theOnlyStaticMethodsAreTheStartingPointsSoNoChainCallsOneByAccident() {
        Set<String> statics = Arrays.stream(Sampling.class.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toSet());
        assertEquals(Set.of("greedy", "random"), statics);
        Set<String> instance = Arrays.stream(Sampling.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers())).map(Method::getName).collect(Collectors.toSet());
        for (String name : statics) {
            assertTrue(!instance.contains(name), name + " is both a static factory and an instance method");
        }
    }

    @Test
    void theStartingPointsAreUnseededAndASeedIsKept() {
        assertEquals(OptionalLong.empty(), Sampling.random().seed());
        assertEquals(OptionalLong.empty(), Sampling.greedy().seed());
        assertEquals(OptionalLong.of(7), Sampling.random().topK(3).seed(7).temperature(0.5).seed());
        assertEquals(Sampling.random().seed(9).newRandom().nextLong(), Sampling.random().seed(9).newRandom().nextLong());
    }
}
