/**
 * ConfigCatalog: repository config, string keys to string values (layer: catalog).
 *
 * Contract (checked for every backend by `config-catalog.contract.ts`): `setConfig` overwrites;
 * `getConfig` returns the last value set (the empty string is a value) or undefined.
 */

export interface ConfigCatalog {
  getConfig(key: string): Promise<string | undefined>;
  setConfig(key: string, value: string): Promise<void>;
}
