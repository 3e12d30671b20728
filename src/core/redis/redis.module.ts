import { Global, Module } from '@nestjs/common';

import { RedisLockService } from './redis-lock.service.js';
import { RedisService } from './redis.service.js';

@Global()
@Module({ providers: [RedisService, RedisLockService], exports: [RedisService, RedisLockService] })
export class RedisModule {}
