export { bundle, type BundleOptions, type BundleResult } from './bundle.js';
export { exportForConnect, type ConnectFolderOptions } from './connect-folder.js';
export { openBundle, packBundle, MAX_UNPACKED_BYTES, type BundleFile } from './archive.js';
export { BundleLayout, MIN_NODE_MAJOR, verifyManifest, ManifestError, type BundleManifest, type ManifestFile, type ManifestPlugin } from './manifest.js';
export { checkEntries, extractEntries, UnsafeEntryError } from './safe-extract.js';
export { readTar, writeTar, TarFormatError, type TarEntry } from './tar.js';
export { systemdUnit, DEFAULT_DEPLOY_DIR, type UnitOptions } from './systemd-unit.js';
export { startScript } from './start-script.js';
export { formatBytes, type ProgressStream } from './progress.js';
