type Entry<T> = { at: number; seq: number; item: T };

/**
 * Items by the time they fall due (a binary min-heap; ties in the order added), so a sweep takes
 * only what is due instead of scanning every object the emulator ever made.
 */
export class DueQueue<T> {
  private heap: Entry<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: number, item: T): void {
    const heap = this.heap;
    const entry = { at, seq: this.nextSeq++, item };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as Entry<T>;
      if (!before(entry, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Removes and returns every item due at `now` or before, earliest first. */
  takeDue(now: number): T[] {
    const due: T[] = [];
    while (this.heap.length > 0 && (this.heap[0] as Entry<T>).at <= now) due.push(this.pop());
    return due;
  }

  clear(): void {
    this.heap = [];
  }

  private pop(): T {
    const heap = this.heap;
    const top = heap[0] as Entry<T>;
    const last = heap.pop() as Entry<T>;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right] as Entry<T>, heap[left] as Entry<T>) ? right : left;
        if (!before(heap[child] as Entry<T>, last)) break;
        heap[i] = heap[child] as Entry<T>;
        i = child;
      }
      heap[i] = last;
    }
    return top.item;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
