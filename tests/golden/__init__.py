"""Golden answers: today's outputs, recorded so a refactor can prove it changed none."""
