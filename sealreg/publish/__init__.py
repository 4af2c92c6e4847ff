"""Publishing a registry release: release folder, exports, manifest, signature, verification, `current` switch."""
