// Placeholder so the object library has a source until the first export code lands.
