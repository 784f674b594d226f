"""Corridor freight volumes: the atlas's demand assigned on its capacities, bottlenecks."""
