/** The dev summary trigger token of the test configuration (vitest.config.ts binds it). */
export const TEST_TRIGGER_TOKEN = "test-trigger-token-8c1f0d6e";
