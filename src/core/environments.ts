import { loadEnvironment, type Project, type Platform } from './config/project.js';

export interface EnvironmentSummary {
  name: string;
  platform: Platform;
  protected: boolean;
  description?: string;
  file?: string;
}

export function listEnvironments(project: Project): EnvironmentSummary[] {
  return project.environmentNames().map((name) => {
    const env = loadEnvironment(project, name);
    return { name, platform: env.platform, protected: env.protected, description: env.description, file: env.file };
  });
}
