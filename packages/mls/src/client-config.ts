import { defaultKeyPackageEqualityConfig, defaultLifetimeConfig, defaultPaddingConfig, type AuthenticationService, type ClientConfig } from 'ts-mls';

/**
 * Our ts-mls configuration. The relay accepts application messages only in the current epoch, so we keep
 * few past epochs; forward ratcheting is bounded so a far-future generation costs little (security.md B9).
 */
export function makeClientConfig(authService: AuthenticationService): ClientConfig {
  return {
    keyRetentionConfig: { retainKeysForGenerations: 10, retainKeysForEpochs: 2, maximumForwardRatchetSteps: 200 },
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService,
  };
}

/** ts-mls' ClientConfig under our name, so that no other package imports ts-mls. */
export type MlsConfig = ClientConfig;
