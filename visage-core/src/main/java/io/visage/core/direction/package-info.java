/**
 * The camera direction of a field-of-view clip inside its 360° video, as the ViSAGe encoder
 * consumes it: a unit 3-vector in the panorama frame of the NFoV projection (x → image right,
 * y → image down, z → centre of the equirectangular image). Angles are in degrees unless a name
 * says otherwise; grid indices are YT-Ambigen's {@code ambi.json} units of 2°.
 */
package io.visage.core.direction;
