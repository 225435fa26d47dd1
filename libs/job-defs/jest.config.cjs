module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'job-defs',
  rootDir: __dirname,
};
