import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { NEO4J_URI: 'neo4j+s://abcd1234.databases.neo4j.io', NEO4J_PASSWORD: 'secret-password' };

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('the Neo4j user: NEO4J_USER or NEO4J_USERNAME', () => {
  it('defaults to neo4j when neither is set', () => {
    expect(loadConfig(base).NEO4J_USER).toBe('neo4j');
  });

  it('takes NEO4J_USERNAME, as an Aura credentials file or Neo4j’s own tools set it', () => {
    // The variables of an Aura credentials file, as `set -a; . ./Neo4j-credentials.txt` exports them.
    const aura = { ...base, NEO4J_USERNAME: 'aura-user', AURA_INSTANCEID: 'abcd1234', AURA_INSTANCENAME: 'Instance01' };
    expect(loadConfig(aura).NEO4J_USER).toBe('aura-user');
  });

  it('takes NEO4J_USER, and both when they agree', () => {
    expect(loadConfig({ ...base, NEO4J_USER: 'analyst' }).NEO4J_USER).toBe('analyst');
    expect(loadConfig({ ...base, NEO4J_USER: 'analyst', NEO4J_USERNAME: 'analyst' }).NEO4J_USER).toBe('analyst');
  });

  it('refuses both when they differ, naming both variables and values', () => {
    const error = configError({ ...base, NEO4J_USER: 'alice', NEO4J_USERNAME: 'bob' });
    expect(error.message).toContain('NEO4J_USERNAME');
    expect(error.message).toContain('NEO4J_USER ');
    expect(error.message).toContain('"alice"');
    expect(error.message).toContain('"bob"');
  });

  it('refuses an empty NEO4J_USERNAME rather than falling back to the default user', () => {
    expect(configError({ ...base, NEO4J_USERNAME: '' }).message).toMatch(/NEO4J_USERNAME/);
  });

  it('still checks the rest of the configuration', () => {
    expect(configError({ NEO4J_URI: 'bolt://localhost:7687', NEO4J_USERNAME: 'neo4j' }).message).toMatch(/NEO4J_PASSWORD: is required/);
  });
});
