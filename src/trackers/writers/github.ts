import { EightballError } from '../../domain/index.ts';
import { githubClient } from '../../sources/github-client.ts';
import { parseRepo } from '../../sources/github-rest.ts';
import type { TrackerWriter, WriterOptions } from '../tracker-writer.ts';

/** `OWNER/REPO#123` → 123. */
function issueNumber(id: string): number {
  const n = Number(/#(\d+)$/.exec(id)?.[1] ?? id);
  if (!Number.isInteger(n) || n <= 0) throw new EightballError('usage', `"${id}" is not a GitHub issue id`);
  return n;
}

/** GitHub issues: labels added and removed, comments; writes paced by Octokit's throttling. */
export function githubWriter(repoName: string, apiUrl: string | undefined, o: WriterOptions): TrackerWriter {
  const { owner, repo } = parseRepo(repoName);
  if (!o.secrets.githubToken)
    throw new EightballError(
      'config',
      'writing to GitHub needs a token with Issues: write (EIGHTBALL_GITHUB_TOKEN)',
    );
  const octokit = githubClient({
    token: o.secrets.githubToken,
    baseUrl: apiUrl,
    ...(o.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: o.retryAfterBaseValue } : {}),
  });
  return {
    tracker: 'github',
    answersAs: 'label',
    async read(id) {
      const r = await octokit.rest.issues.get({ owner, repo, issue_number: issueNumber(id) });
      const labels = r.data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
      return { product: `${owner}/${repo}`, component: null, labels };
    },
    async setComponent() {
      throw new EightballError(
        'usage',
        'GitHub issues have no component: a GitHub task is answered with labels',
      );
    },
    async addLabels(id, labels) {
      await octokit.rest.issues.addLabels({ owner, repo, issue_number: issueNumber(id), labels });
    },
    async removeLabels(id, labels) {
      for (const name of labels)
        await octokit.rest.issues.removeLabel({ owner, repo, issue_number: issueNumber(id), name });
    },
    async comment(id, body) {
      const r = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber(id), body });
      return String(r.data.id);
    },
    async editComment(_id, commentId, body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: Number(commentId), body });
    },
  };
}
