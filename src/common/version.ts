declare const YAK_VERSION: string;

/** YaK's version: package.json's, defined by the esbuild bundle; 'dev' when run from source. */
export const yakVersion: string = typeof YAK_VERSION === 'string' ? YAK_VERSION : 'dev';
