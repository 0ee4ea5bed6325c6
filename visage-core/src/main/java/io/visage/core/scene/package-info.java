/**
 * A synthetic 360° scene world for training and demonstrating small models end to end: coloured
 * shapes that each make a distinct periodic sound ({@link io.visage.core.scene.SoundClass}) move
 * around a fixed field-of-view camera; the set writer renders each scene's FoV video and its
 * ground-truth first-order ambisonics in YT-Ambigen's raw layout ({@link
 * io.visage.core.scene.SceneSet}).
 *
 * <p>Conventions: the world frame is ambiX (azimuth counter-clockwise from the front +X toward the
 * left +Y, elevation up; degrees unless a name says radians). The camera index (e, a) of {@code
 * ambi.json} looks at azimuth (179 − 2a)°, elevation (89 − 2e)° ({@link
 * io.visage.core.scene.SceneCamera#lookDirection}). Frames come from a rectilinear pinhole camera
 * without roll; audio is ambiX (ACN W, Y, Z, X; SN3D).
 */
package io.visage.core.scene;
