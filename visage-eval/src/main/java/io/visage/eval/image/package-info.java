/**
 * PNG pictures of energy maps (java.awt / ImageIO, headless): one equirectangular map with a colour
 * bar and the camera direction marked, and side-by-side "ground truth vs generated" panels.
 * Image x grows with map column (azimuth decreasing to the right, +178 degrees at the left edge for
 * the 2-degree grid), image y with map row (highest elevation at the top).
 */
package io.visage.eval.image;
