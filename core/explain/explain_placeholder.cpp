// Placeholder so the object library has a source until the first explain code lands.
