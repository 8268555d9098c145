/** Option parsing shared by the Kubernetes command files. */
import { parseDuration } from '../../../core/kube/watch.js';

export const timeoutOption = (value: string | undefined): number | undefined => (value === undefined ? undefined : parseDuration(value));
