// three: the math core, through the package's `exports` map.
import * as THREE from 'three';
import { Vector3, Matrix4, Quaternion, Box3, Color, MathUtils } from 'three';
const v = new Vector3(1, 2, 3).applyMatrix4(new Matrix4().makeRotationX(Math.PI / 3));
console.log(v.toArray().map((x) => x.toFixed(5)).join(' '));
const q = new Quaternion().setFromAxisAngle(new Vector3(0, 1, 0), Math.PI / 2);
console.log(new Vector3(1, 0, 0).applyQuaternion(q).toArray().map((x) => x.toFixed(5)).join(' '));
const box = new Box3().setFromPoints([new Vector3(-1, 0, 2), new Vector3(3, -4, 1)]);
console.log(box.getSize(new Vector3()).toArray().join(' '));
console.log(new Color('#ff8800').getHexString(), MathUtils.clamp(5, 0, 3), THREE.REVISION);
const geo = new THREE.BoxGeometry(1, 2, 3);
geo.computeBoundingSphere();
console.log(geo.attributes.position.count, geo.boundingSphere.radius.toFixed(5));
const scene = new THREE.Scene();
scene.add(new THREE.Mesh(geo, new THREE.MeshBasicMaterial()));
console.log(scene.children.length, scene.children[0].type);
