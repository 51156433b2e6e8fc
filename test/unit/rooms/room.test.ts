import { mediaUrlFromCustom, roomTitleFrom, roomTypeFromCustom } from '../../../src/rooms/room';

describe('room rules', () => {
  it.each([
    ['media-gallery', 'media-gallery'],
    ['Media_Gallery', 'media-gallery'],
    ['mediagallery', 'media-gallery'],
    ['room', 'room'],
    ['$Custom.room_type', 'room'],
    [undefined, 'room'],
    [7, 'room'],
  ])('reads room_type %p as %s', (value, expected) => {
    expect(roomTypeFromCustom(value)).toBe(expected);
  });

  it('plays only absolute http(s) media URLs', () => {
    expect(mediaUrlFromCustom('https://cdn.example.edu/lecture.mp4')).toBe(
      'https://cdn.example.edu/lecture.mp4',
    );
    expect(mediaUrlFromCustom('javascript:alert(1)')).toBeNull();
    expect(mediaUrlFromCustom('/relative.mp4')).toBeNull();
    expect(mediaUrlFromCustom('@X@media.url@X@')).toBeNull();
  });

  it('titles a room from the link, else the course, else a neutral default', () => {
    expect(roomTitleFrom('  Weekly session ', 'Biology')).toBe('Weekly session');
    expect(roomTitleFrom('', 'Biology')).toBe('Biology');
    expect(roomTitleFrom(undefined, undefined)).toBe('Live session');
    expect(roomTitleFrom('x'.repeat(300), null)).toHaveLength(200);
  });
});
