// shapes.ts: a class hierarchy whose methods throw at marked lines.
export interface Sized {
  readonly width: number;
  readonly height: number;
}

export type Unit = 'px' | 'em';

export abstract class Shape implements Sized {
  abstract readonly width: number;
  abstract readonly height: number;
  constructor(protected readonly unit: Unit = 'px') {}
  area(): number {
    return this.width * this.height;
  }
  check(limit: number): void {
    if (this.area() > limit) {
      throw new RangeError(`area ${this.area()}${this.unit} over ${limit}`); // @frame shape-check 0
    }
  }
}

export class Rect extends Shape {
  constructor(public readonly width: number, public readonly height: number) {
    super('em');
  }
  grow<T extends number>(by: T): Rect {
    const next = new Rect(this.width + by, this.height + by);
    next.check(100); // @frame shape-check 1
    return next;
  }
}
