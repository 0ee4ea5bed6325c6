package io.visage.core.scene;

import io.visage.audio.foa.Direction;
import io.visage.core.direction.CameraDirection;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneGeneratorTest {
    private static final int DRAWS = 4000;

    @Test
    void randomScenes_followTheDistributions() {
        SplittableRandom rng = new SplittableRandom(99);
        int single = 0;
        int objects = 0;
        int inView = 0;
        int[] classCount = new int[SoundClass.values().length];
        boolean[] elevationSeen = new boolean[21];
        for (int i = 0; i < DRAWS; i++) {
            Scene s = SceneGenerator.random(rng, SceneConfig.DEFAULT);
            int e = s.camera().elevationIndex();
            int a = s.camera().azimuthIndex();
            assertTrue(e >= 35 && e <= 55, "elevation index " + e);
            assertTrue(a >= 0 && a <= 179, "azimuth index " + a);
            elevationSeen[e - 35] = true;
            int n = s.objects().size();
            assertTrue(n == 1 || n == 2, "objects " + n);
            if (n == 1) {
                single++;
            } else {
                assertNotEquals(
                        s.objects().get(0).soundClass(), s.objects().get(1).soundClass());
            }
            Direction look = SceneCamera.lookDirection(s.camera());
            for (SceneObject o : s.objects()) {
                objects++;
                classCount[o.soundClass().ordinal()]++;
                SourcePath p = o.path();
                assertTrue(Math.abs(p.azimuthVelocityDegreesPerSec()) <= 20);
                assertTrue(Math.abs(p.elevationVelocityDegreesPerSec()) <= 5);
                double dAz = Math.abs(SourcePath.wrapDegrees(p.azimuthDegrees() - look.azimuthDegrees()));
                double dEl = Math.abs(p.elevationDegrees() - look.elevationDegrees());
                if (dAz <= 35 && dEl <= 25) {
                    inView++;
                }
            }
        }
        for (boolean seen : elevationSeen) {
            assertTrue(seen, "every elevation index in [35, 55] occurs");
        }
        assertEquals(0.6, single / (double) DRAWS, 0.03);
        for (int c : classCount) {
            assertEquals(0.25, c / (double) objects, 0.03);
        }
        // 0.8 in view by construction, plus the share of the 0.2 drawn anywhere that lands in view
        // (about 70/360 · 50/80 ≈ 0.12 of them)
        double share = inView / (double) objects;
        assertTrue(share > 0.79 && share < 0.85, "share in view " + share);
    }

    @Test
    void sameSeed_sameScene_differentSeed_differentScene() {
        Scene a = SceneGenerator.random(new SplittableRandom(5), SceneConfig.DEFAULT);
        Scene b = SceneGenerator.random(new SplittableRandom(5), SceneConfig.DEFAULT);
        Scene c = SceneGenerator.random(new SplittableRandom(6), SceneConfig.DEFAULT);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void fixedCamera_keepsTheObjectsPlacedRelativeToTheCamera() {
        CameraDirection fixed = CameraDirection.parse("45,90");
        int inViewPairs = 0;
        for (long seed = 0; seed < 50; seed++) {
            Scene free = SceneGenerator.random(new SplittableRandom(seed), SceneConfig.DEFAULT);
            Scene pinned = SceneGenerator.random(new SplittableRandom(seed), SceneConfig.DEFAULT, fixed);
            assertEquals(fixed, pinned.camera());
            assertEquals(free.objects().size(), pinned.objects().size());
            Direction lf = SceneCamera.lookDirection(free.camera());
            Direction lp = SceneCamera.lookDirection(fixed);
            for (int i = 0; i < free.objects().size(); i++) {
                SourcePath f = free.objects().get(i).path();
                SourcePath p = pinned.objects().get(i).path();
                assertEquals(
                        free.objects().get(i).soundClass(),
                        pinned.objects().get(i).soundClass());
                assertEquals(f.azimuthVelocityDegreesPerSec(), p.azimuthVelocityDegreesPerSec(), 0);
                double relFree = SourcePath.wrapDegrees(f.azimuthDegrees() - lf.azimuthDegrees());
                double relPinned = SourcePath.wrapDegrees(p.azimuthDegrees() - lp.azimuthDegrees());
                // drawn in view: the same offset from the camera; drawn anywhere: the same place
                boolean sameOffset = Math.abs(relFree - relPinned) < 1e-9;
                boolean samePlace =
                        f.azimuthDegrees() == p.azimuthDegrees() && f.elevationDegrees() == p.elevationDegrees();
                assertTrue(sameOffset || samePlace, "seed " + seed + " object " + i + ": " + f + " vs " + p);
                if (!samePlace) {
                    inViewPairs++;
                }
            }
        }
        assertTrue(inViewPairs > 30, "objects drawn in view: " + inViewPairs);
    }
}
