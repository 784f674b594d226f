"""Appraisal: what a scenario's projects are worth, and to whom (NPV, BCR, EIRR, FIRR)."""
