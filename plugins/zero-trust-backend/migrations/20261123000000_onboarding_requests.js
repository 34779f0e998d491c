/**
 * The onboarding requests the scaffolder's pull request action opened, and what the
 * tracking task found out about each (see src/requests/).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('onboarding_requests', table => {
    table.comment('Onboarding requests opened as GitOps pull requests');
    table.string('id', 36).primary().comment('A random UUID');
    table
      .string('request_key', 64)
      .notNullable()
      .unique()
      .comment(
        'sha256 of cluster/namespace/service and the pull request URL: a re-run updates its own record',
      );
    table
      .integer('generation')
      .notNullable()
      .comment(
        'Counts the commits recorded for the request: a check of an older one is not saved',
      );
    table
      .string('state', 16)
      .notNullable()
      .index()
      .comment('open, merged, converged, drifted, closed or failed');
    table.string('cluster', 255).notNullable().index();
    table.string('namespace', 255).notNullable();
    table.string('service', 255).notNullable();
    table
      .string('entity_ref', 255)
      .nullable()
      .index()
      .comment('The catalog entity the service belongs to');
    table
      .string('requested_by', 255)
      .nullable()
      .comment('The user entity ref who asked');
    table.text('pull_request_url').notNullable();
    table
      .text('pull_request')
      .notNullable()
      .comment(
        'JSON: provider, host, repository, url, number, branch, baseBranch, headSha',
      );
    table
      .text('request')
      .notNullable()
      .comment('JSON: the onboarding request as the template sent it');
    table
      .text('change')
      .notNullable()
      .comment('JSON: the namespace labels and resources as generated');
    table
      .text('drift')
      .nullable()
      .comment('JSON: how the live cluster differs from the change');
    table.text('last_error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('merged_at', { useTz: true }).nullable();
    table.timestamp('converged_at', { useTz: true }).nullable();
    table.timestamp('last_checked_at', { useTz: true }).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('onboarding_requests');
};
