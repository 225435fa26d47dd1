import { showInvisibles } from './invisibles';

describe('showInvisibles', () => {
  it('marks bidi controls and NUL in text, escapes them plainly inside tags', () => {
    expect(showInvisibles('<p>abc\u202Egnp.exe\u202C</p>')).toBe('<p>abc<span class=ctl title=control>\\u202E</span>gnp.exe<span class=ctl title=control>\\u202C</span></p>');
    expect(showInvisibles('<p title="a\u2066b">x\u0000y</p>')).toBe('<p title="a\\u2066b">x<span class=ctl title=NUL>\\u0000</span>y</p>');
    expect(showInvisibles('<pre>keep\ttabs\nand lines</pre>')).toBe('<pre>keep\ttabs\nand lines</pre>');
  });
});
