/** Sent on every Azure call so service-side logs can tell our tasks apart. Kept in step with package.json by a unit test. */
export const USER_AGENT = 'azureml-mlops-tasks/1.0.0';
