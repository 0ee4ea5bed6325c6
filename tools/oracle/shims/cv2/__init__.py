"""Stand-in for OpenCV: ViSAGe's utils/wild_360.py imports cv2 at module level but the metrics the
fixtures call (AUC_Judd, CorrCoeff) do not use it."""
