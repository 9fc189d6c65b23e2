"""adamedu: helpers for a course that teaches Adam from first principles."""
