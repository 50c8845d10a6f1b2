import { useState, type DragEvent } from 'react';
import { selectNeedCifar, sendCifarFile, useStore } from '../state';

/**
 * Shown while the worker waits for CIFAR-10: the assets are not on this site and no earlier
 * import is stored. The tarball is read in the worker and kept in this browser (IndexedDB).
 */
export function CifarImport() {
  const need = useStore(selectNeedCifar);
  const [dragging, setDragging] = useState(false);
  if (!need) return null;
  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (file) sendCifarFile(file);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    take(e.dataTransfer.files);
  };
  return (
    <section
      className={`panel import${dragging ? ' dragging' : ''}`}
      data-testid="cifar-import"
      aria-label="Import CIFAR-10"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2>CIFAR-10 is not on this site yet</h2>
      <p>
        Download <strong>cifar-10-binary.tar.gz</strong> (the “CIFAR-10 binary version”, 162 MB)
        from{' '}
        <a href="https://www.cs.toronto.edu/~kriz/cifar.html" target="_blank" rel="noreferrer">
          the dataset’s home page
        </a>
        , then open it here or drop it on this box. It is read in your browser, never uploaded, and
        kept for your next visit.
      </p>
      {need.problem && (
        <p className="banner error" role="alert" data-testid="cifar-problem">
          {need.problem}
        </p>
      )}
      <label className="file">
        Open cifar-10-binary.tar.gz…{' '}
        <input
          type="file"
          accept=".gz,.tgz,application/gzip"
          data-testid="cifar-file"
          onChange={(e) => {
            take(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </label>
    </section>
  );
}
