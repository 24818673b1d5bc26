/**
 * `verso export REF --format mot --out DIR`: every video with tracks as a MOT Challenge
 * sequence, `DIR/<video>/gt/gt.txt` (layer: api).
 *
 * Each track's boxes are materialized from its keyframes over the video's frames
 * (`dataset/track-interpolation.ts`); an outside shape writes no row. Rows carry the columns the
 * sequence was imported with (the asset's `mot_columns`, else 9: conf, class, visibility) in its
 * order (`mot_order`), so an imported sequence comes back row for row (numbers in their
 * shortest form, `formats/mot/write-mot.ts`). Tracks must be boxes with integer ids.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';
import { materializeTrack } from '../../dataset/track-interpolation.js';
import { motRowText, sortMotRows, type MotRow } from '../../formats/mot/write-mot.js';
import { OutputFile } from '../../io/output-file.js';
import { trackedVideos, videoAsset, videoTracks } from '../read/video-tracks.js';
import type { Exporter } from './exporter.js';
import { writeStaged } from './export-out.js';

export const exportMot: Exporter = async (repo, commit, snap, out) =>
  writeStaged(out, async (dir) => {
    let rows = 0;
    let videos = 0;
    for (const video of await trackedVideos(repo, snap)) {
      const asset = await videoAsset(repo, snap, video, commit);
      const columns = Number(asset.extra?.['mot_columns'] ?? 9);
      const out: MotRow[] = [];
      for await (const t of videoTracks(repo, snap, video)) {
        const id = Number(t.id);
        if (t.track.shape !== 'box' || !Number.isSafeInteger(id))
          throw new InvalidArgumentError(
            'track for MOT',
            `${video}/${t.id}`,
            'MOT holds box tracks with integer ids',
          );
        const shapes = materializeTrack(
          'box',
          t.keyframes,
          0,
          asset.frame_count - 1,
          asset.frame_count - 1,
        );
        for (const s of shapes) {
          if (s.record.outside || !s.record.bbox) continue;
          out.push({
            frame: s.frame,
            id,
            bbox: s.record.bbox,
            ...(s.record.confidence !== undefined ? { confidence: s.record.confidence } : {}),
            ...(t.track.category_id !== undefined ? { classId: t.track.category_id } : {}),
            ...(s.record.visibility !== undefined ? { visibility: s.record.visibility } : {}),
            ...(s.record.world !== undefined ? { world: s.record.world } : {}),
          });
        }
      }
      const gt = join(dir, video, 'gt');
      mkdirSync(gt, { recursive: true });
      const file = OutputFile.open(join(gt, 'gt.txt'));
      try {
        const text = sortMotRows(out, asset.extra?.['mot_order'] === 'track')
          .map((r) => `${motRowText(r, columns)}\n`)
          .join('');
        await file.write(Buffer.from(text));
        await file.close();
      } catch (e) {
        file.abort();
        throw e;
      }
      rows += out.length;
      videos++;
    }
    return { images: videos, labels: rows };
  });
