import { describe, expect, it } from 'vitest';
import { imageStemOf, isMaskName, pairMasks } from './pairing';

describe('pairMasks', () => {
  it('pairs <name>_mask.png with <name>.png beside it, whatever the image extension', () => {
    const r = pairMasks(['a.png', 'a_mask.png', 'b.jpg', 'b_mask.png', 'c.png']);
    expect(r.images).toEqual(['a.png', 'b.jpg', 'c.png']);
    expect([...r.masks]).toEqual([
      ['a.png', 'a_mask.png'],
      ['b.jpg', 'b_mask.png'],
    ]);
    expect(r.orphans).toEqual([]);
  });

  it('pairs only within the same folder', () => {
    const r = pairMasks(['x/a.png', 'y/a_mask.png']);
    expect(r.masks.size).toBe(0);
    expect(r.orphans).toEqual(['y/a_mask.png']);
    expect(r.images).toEqual(['x/a.png']);
  });

  it('pairs an MVTec category dropped as a folder: ground_truth/<type>/<n>_mask.png with test/<type>/<n>.png', () => {
    const names = [
      'bottle/test/good/000.png',
      'bottle/test/broken_large/000.png',
      'bottle/test/broken_large/001.png',
      'bottle/ground_truth/broken_large/000_mask.png',
      'bottle/ground_truth/broken_large/001_mask.png',
    ];
    const r = pairMasks(names);
    expect(r.images).toEqual(names.slice(0, 3));
    expect(r.masks.get('bottle/test/broken_large/000.png')).toBe('bottle/ground_truth/broken_large/000_mask.png');
    expect(r.masks.get('bottle/test/broken_large/001.png')).toBe('bottle/ground_truth/broken_large/001_mask.png');
    expect(r.masks.has('bottle/test/good/000.png')).toBe(false);
    expect(r.orphans).toEqual([]);
  });

  it('does not pair a mask of one defect type with an image of another', () => {
    const r = pairMasks(['m/test/crack/000.png', 'm/ground_truth/hole/000_mask.png']);
    expect(r.masks.size).toBe(0);
    expect(r.orphans).toEqual(['m/ground_truth/hole/000_mask.png']);
  });

  it('gives an image at most one mask; a second one is an orphan', () => {
    const r = pairMasks(['a.png', 'a_mask.png', 'a_mask.jpg']);
    expect(r.masks.get('a.png')).toBe('a_mask.png');
    expect(r.orphans).toEqual(['a_mask.jpg']);
  });

  it('treats files under ground_truth as masks even without the suffix, and plain names as images', () => {
    expect(isMaskName('ground_truth/crack/000.png')).toBe(true);
    expect(isMaskName('masked_part.png')).toBe(false);
    expect(isMaskName('part_mask.PNG')).toBe(true);
    expect(imageStemOf('cat/ground_truth/crack/007_mask.png')).toBe('cat/test/crack/007');
    expect(imageStemOf('dir/part_mask.png')).toBe('dir/part');
  });
});
