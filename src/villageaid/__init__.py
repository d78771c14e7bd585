"""VillageAid."""
