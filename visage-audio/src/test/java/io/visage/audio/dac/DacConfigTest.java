package io.visage.audio.dac;

import io.visage.nn.ConfigException;
import io.visage.nn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DacConfigTest {
    @Test
    void fromKwargs_withoutLatentDim_derivesItAsTheConstructorDoes() {
        DacConfig c = DacConfig.fromKwargs(Map.of("encoder_dim", 4, "encoder_rates", List.of(2, 3)), "test");
        assertEquals(4 << 2, c.latentDim());
        assertEquals(6, c.hopLength());
    }

    @Test
    void fromKwargs_codebookDimList_givesPerLevelDims() {
        DacConfig c = DacConfig.fromKwargs(Map.of("n_codebooks", 2, "codebook_dim", List.of(3, 5)), "test");
        assertEquals(List.of(3, 5), c.codebookDims());
        assertEquals(8, c.totalCodebookDim());
    }

    @Test
    void builder_startsFromTheReleased44kModel() {
        DacConfig c = DacConfig.builder().build();
        assertEquals(DacConfig.fromKwargs(Map.of(), "no kwargs"), c);
        assertEquals(DacConfig.dac44k(), c);
        assertEquals(
                List.of(64, 1024, 1536, 1024, 9, 44100),
                List.of(
                        c.encoderDim(),
                        c.latentDim(),
                        c.decoderDim(),
                        c.codebookSize(),
                        c.nCodebooks(),
                        c.sampleRateHz()));
        assertEquals(List.of(2, 4, 8, 8), c.encoderRates());
        assertEquals(List.of(8, 8, 4, 2), c.decoderRates());
        assertEquals(512, c.hopLength());
    }

    @Test
    void builder_latentDimUnset_isDerivedFromTheEncoderAsForNone() {
        DacConfig c = DacConfig.builder().encoderDim(3).encoderRates(2, 5).build();
        assertEquals(3 << 2, c.latentDim());
        assertEquals(7, DacConfig.builder().encoderDim(3).latentDim(7).build().latentDim());
    }

    @Test
    void toBuilder_rebuildsAnEqualConfig_andHasNoPublicConstructor() {
        DacConfig c = DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json"));
        DacConfig same = c.toBuilder().build();
        assertEquals(c, same);
        assertEquals(c.hashCode(), same.hashCode());
        assertNotEquals(c, c.toBuilder().sampleRateHz(c.sampleRateHz() + 1).build());
        assertEquals(0, DacConfig.class.getConstructors().length, "configs come from the builder or kwargs");
    }

    @Test
    void toKwargs_roundTrips() {
        DacConfig c = DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json"));
        assertEquals(c, DacConfig.fromKwargs(c.toKwargs(), "round trip"));
    }

    @Test
    void fromKwargs_unknownKey_throwsNamingKeyAndSource() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> DacConfig.fromKwargs(Map.of("encoder_dimm", 4), "weights.pth"));
        assertTrue(e.getMessage().contains("encoder_dimm") && e.getMessage().contains("weights.pth"), e.getMessage());
    }

    @Test
    void fromKwargs_nonIntegerRate_throwsNamingKey() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> DacConfig.fromKwargs(Map.of("decoder_rates", List.of(8, 2.5)), "cfg"));
        assertTrue(e.getMessage().contains("decoder_rates") && e.getMessage().contains("2.5"), e.getMessage());
    }

    @Test
    void build_tooManyDecoderRatesForChannels_throws() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> DacConfig.builder().decoderDim(2).decoderRates(2, 2).build());
        assertTrue(e.getMessage().contains("decoder_dim 2"), e.getMessage());
    }

    @Test
    void fromJson_notJson_throwsConfigExceptionNamingFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "[1, 2");
        ConfigException e = assertThrows(ConfigException.class, () -> DacConfig.fromJson(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }
}
