"""cogov browser app (Solara): Explore and Compare pages, served offline."""
