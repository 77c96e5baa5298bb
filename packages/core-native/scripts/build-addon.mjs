// placeholder replaced by the addon build script
console.log('[core-native] addon sources not present yet; skipping native build');
